"""flexaudit: audit Twilio Flex legacy messaging and plan the move to Flex Conversations."""

__version__ = "0.1.0"
