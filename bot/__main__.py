"""`python -m bot`: run the gateway (settings from the environment, see .env.example)."""

import logging

import uvicorn

from bot.app import create_app
from bot.config import Settings


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # httpx logs every request URL at INFO, and Telegram's URLs contain the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    settings = Settings.from_env()
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info",
                access_log=False)


if __name__ == "__main__":
    main()
