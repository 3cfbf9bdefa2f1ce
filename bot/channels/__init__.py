"""The platforms: each module verifies and parses what its platform sends, and sends replies back."""
