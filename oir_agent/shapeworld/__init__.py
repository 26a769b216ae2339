"""ShapeWorld: the renderer and analytic evaluator that give exact ground truth to benchmarks and training."""
