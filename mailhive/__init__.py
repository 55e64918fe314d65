"""The process edge: the ``mailhive`` command line, the bootstrap configuration (data directory,
database URL) built once from arguments and environment, schema migrations, and ``serve``, which
starts the services of this node. Nothing else in Mailhive imports this package."""
