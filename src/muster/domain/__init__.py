"""The domain core: units, people, categories, calls, submissions, users, completeness.

Pure Python and standard library only: no files, HTTP or SQL here.
"""
