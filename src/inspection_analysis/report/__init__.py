"""The report: orchestration (``run``, through ``staging``), figure choice (``figures``), HTML and Markdown (``html``, ``words``), the workbook (``workbook``) and disclosure control."""
