"""The verifiedfan pytest plugin (registered through the ``pytest11`` entry point).

Fixtures are added here by each capability (servers from ``verifiedfan.stack``, sandboxes...).
"""
