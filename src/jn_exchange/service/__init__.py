"""The city's intake service (报送服务): `jn-exchange serve`, its workers and its `submit` client.

    upload (web page | REST API | `jn-exchange submit`) ─→ storage (streamed, size-limited, sha256)
      ─→ submission row + signed receipt ─→ job queue (huey) ─→ worker: `jn_exchange.validate`
      ─→ reports (every format, stored) + findings index ─→ history and comparison, pages, API

Nothing here is imported by the validator; the `service` extra installs its libraries."""
