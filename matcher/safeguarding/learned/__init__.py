"""The learned risk reader: a linear model over character n-grams, scored in pure Python beside the rules."""
