"""The golden corpus: quote codings turned into spans, splits and their freeze, corpus figures."""
