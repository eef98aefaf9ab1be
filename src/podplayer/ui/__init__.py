"""Qt widgets and item models. Models adapt frozen core objects; they do no I/O."""
