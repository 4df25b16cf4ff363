"""Live DNS and mail endpoints: `emailiac scan --dns`.

Everything here resolves names through one `LiveResolver` (dnspython; pinned with `--nameserver`, else the
system's), never through `getaddrinfo`: connections go to the addresses it returns, while TLS SNI, certificate
checks and the HTTP Host header use the host name.
"""
