"""Natural-language analysis of cleaned documents: entities, quotes and text figures.

Nothing here imports spaCy at module import time: opening an analysed corpus must stay fast.
"""
