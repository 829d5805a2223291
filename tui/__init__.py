"""docscope's terminal interface: the Textual explorer and the command line."""
