"""Everything a worker reads: official sources, the gettext catalogs in translations/, and rendering.

No Rasa import here: the engine's NLG (nlg/catalog.py) and the gateway (bot/) render through the same code.
"""
