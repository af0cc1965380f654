from __future__ import annotations


def match_loaded(da, db, units, idf):
    return []
