"""The Textual user interface; talks to storage and network only through reader.core."""
