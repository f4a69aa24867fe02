"""Models Practica trains: simple scikit-learn baselines and Keras networks."""
