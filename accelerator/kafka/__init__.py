"""The Kafka runtime: each service its own process on a real broker, PostgreSQL read model."""
