"""The ``vf`` command line tool (needs the ``cli`` extra)."""

__all__: list[str] = []  # the command is `vf`; its modules are not an API
