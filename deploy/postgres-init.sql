-- compose.yml only: run once by the postgres image at its first start (empty data volume), as
-- POSTGRES_USER, after it created POSTGRES_DB (gateway). Creates the engine's database next to it,
-- owned by the same role; Rasa creates its table there at start.
CREATE DATABASE tracker;
