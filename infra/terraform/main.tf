terraform {
  required_version = ">= 1.5"
}

locals {
  nodes = [
    for i in range(var.node_count) : {
      name    = "mail${i + 1}"
      fqdn    = "mail${i + 1}.${var.mail_domain}"
      address = var.node_addresses[i]
    }
  ]

  # The same bootstrap on every node: the first node's init upgrades the shared schema, the others
  # find it current and change nothing (init is idempotent). server.hostname is a cluster-wide
  # setting (set it once: `mailhive settings set server.hostname mail.<domain>`).
  user_data = [
    for node in local.nodes : templatefile("${path.module}/node-init.yaml.tftpl", {
      database_url     = var.database_url
      redis_url        = var.redis_url
      server_key_b64   = var.server_key_b64
      blob_backend     = var.blob_backend
      mailhive_version = var.mailhive_version
    })
  ]
}

# Attach local.user_data[i] to your provider's compute resource, for example:
#
# resource "<provider>_instance" "node" {
#   count     = var.node_count
#   name      = local.nodes[count.index].name
#   user_data = local.user_data[count.index]
# }

check "addresses_match_nodes" {
  assert {
    condition     = length(var.node_addresses) == var.node_count
    error_message = "node_addresses must have one address per node."
  }
}
