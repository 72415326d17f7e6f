"""The only code that touches personal fields, one module per thing it serves (see each module's docstring).

Encrypting personal columns at rest should change this package only.
"""
