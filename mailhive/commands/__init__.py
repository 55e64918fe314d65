"""The ``mailhive`` subcommands, one module per area; each has ``register(subparsers)``, which
adds its parsers with a ``handler(args, invocation) -> int``."""
