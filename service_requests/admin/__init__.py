"""The staff back office: the catalogue of services (with their questions and choices,
`catalogue`) and the queue of requests, overdue first (`queue`, with its list actions in
`actions`, its photo and on-time pages in `views` and its forms in `forms`). One submission of a
request's page is one service call (services.request_update); the list's actions call the same
services. Opening a request (which shows the resident's contact details) is logged
(audit_views)."""

from service_requests.admin import catalogue, queue  # noqa: F401 - registers the admins
