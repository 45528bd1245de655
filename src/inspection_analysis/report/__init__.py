"""The report: orchestration (``run``), figure choice (``figures``), HTML and Markdown (``html``) and disclosure control."""
