"""The ``vf`` command line tool (needs the ``cli`` extra)."""
