"""What the keys do, one group of actions per module, as mixins over actions/base.py; app.py
puts them together. Each action runs its storage and network work in a named thread worker
whose result comes back as a message (reader/ui/messages.py)."""
