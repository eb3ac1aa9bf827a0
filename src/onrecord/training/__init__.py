"""`make train`: rebuilds the attribution tagger from PolNeAR (needs ../shared; the package never trains)."""
