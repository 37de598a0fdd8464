"""Console: coordinator login, dashboards, queues and audit."""
