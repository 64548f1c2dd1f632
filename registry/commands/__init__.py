"""Optional ``idac`` sub-commands, one module each with ``register(main)`` (loaded by ``registry.cli``)."""
