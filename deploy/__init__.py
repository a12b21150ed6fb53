"""Publishing layers and running sotay in production.

stores (local directory, private S3 bucket), publish (content-addressed upload, manifest last, grace-period GC),
serve (path → object for the gate, presigned URLs), verify_s3, backup, cli (`sotay publish`); configs for nginx,
systemd and PostgreSQL in the sub-directories; docs/deploy.md and docs/scaling.md say how they fit.
"""
