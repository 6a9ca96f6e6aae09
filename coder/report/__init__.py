"""Self-contained HTML pages: the proposals page (`coder code --format html`) and the pieces it
shares with the score report (colours from the codebook, text cut into highlighted pieces)."""
