"""Generated documents (PDF, DOCX, XLSX) built on the task queue, one way for every app.

A download link starts an export job (`jobs.export_start`) after the page checked access; the
worker builds the file with the requester's rights checked again (`kinds.ExportKind.build`),
stores it under MEDIA_ROOT/exports/ and the status page offers it to that requester alone.
A PDF of the annual summary takes seconds of CPU and a county's member list minutes: neither
holds a web worker, and neither is lost when one restarts (the job is marked failed, 重试)."""
