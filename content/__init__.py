"""Everything a worker reads: official sources, the gettext catalogs in translations/, and rendering.

No Rasa import here: the engine's NLG (engine/nlg.py) and the gateway (bot/) render through the same code.
"""
