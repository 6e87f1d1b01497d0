"""The procedure library: master sheets that commune sites copy and adapt."""
