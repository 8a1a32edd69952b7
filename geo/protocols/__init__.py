"""Wire protocols of positioning terminals (pure decoders and encoders, no I/O)."""
