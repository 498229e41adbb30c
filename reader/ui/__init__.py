"""The Textual user interface; talks to storage and network only through reader.core."""

import os

# Textual paints at most 60 frames a second, so a key press can wait 17 ms for its frame before
# anything is drawn; at 120 that wait halves. Textual reads this when it is first imported, and
# a TEXTUAL_FPS the user set wins.
os.environ.setdefault("TEXTUAL_FPS", "120")
