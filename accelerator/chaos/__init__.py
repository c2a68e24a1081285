"""A bounded chaos run: a realistic programme driven through the Kafka runtime while workers
are SIGKILLed and the broker is stopped and started, then a verdict on what must hold."""
