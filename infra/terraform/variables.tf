variable "node_count" {
  description = "Number of mail nodes; each runs every service against the shared database."
  type        = number
  default     = 2
  validation {
    condition     = var.node_count >= 1 && var.node_count <= 64
    error_message = "node_count must be from 1 to 64."
  }
}

variable "node_addresses" {
  description = "Public IPv4 address of each node, in node order (length must equal node_count)."
  type        = list(string)
}

variable "mail_domain" {
  description = "The provider's own domain: nodes are mail1.<domain>, mail2.<domain>, ..."
  type        = string
}

variable "database_url" {
  description = "SQLAlchemy URL of the shared PostgreSQL database (postgresql+psycopg://user:pw@host/db)."
  type        = string
  sensitive   = true
}

variable "redis_url" {
  description = "URL of the shared Redis (change notifications between nodes)."
  type        = string
}

variable "server_key_b64" {
  description = "The cluster's server key (the contents of server.key), base64; identical on every node."
  type        = string
  sensitive   = true
}

variable "blob_backend" {
  description = "Where message bodies live: database (no shared filesystem) or filesystem (shared blobs/)."
  type        = string
  default     = "database"
  validation {
    condition     = contains(["database", "filesystem"], var.blob_backend)
    error_message = "blob_backend must be database or filesystem."
  }
}

variable "mailhive_version" {
  description = "Version of the mailhive package each node installs."
  type        = string
  default     = "0.1.0"
}
