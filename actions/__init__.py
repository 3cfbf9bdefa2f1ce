"""Custom actions run by the rasa_sdk action server (`rasa run actions`)."""
