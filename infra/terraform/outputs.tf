output "dns_records" {
  description = "Records the deployment needs in the provider's zone (name, type, value, priority)."
  value = concat(
    [for node in local.nodes : { name = node.fqdn, type = "A", value = node.address, priority = null }],
    [for node in local.nodes : { name = var.mail_domain, type = "MX", value = "${node.fqdn}.", priority = 10 }],
    [
      { name = var.mail_domain, type = "TXT", value = "v=spf1 mx -all", priority = null },
      { name = "autoconfig.${var.mail_domain}", type = "CNAME", value = "${local.nodes[0].fqdn}.", priority = null },
      { name = "_submissions._tcp.${var.mail_domain}", type = "SRV", value = "0 465 ${local.nodes[0].fqdn}.", priority = 0 },
      { name = "_imaps._tcp.${var.mail_domain}", type = "SRV", value = "0 993 ${local.nodes[0].fqdn}.", priority = 0 },
      { name = "_pop3s._tcp.${var.mail_domain}", type = "SRV", value = "0 995 ${local.nodes[0].fqdn}.", priority = 0 },
      { name = "_xmpp-client._tcp.${var.mail_domain}", type = "SRV", value = "0 5222 ${local.nodes[0].fqdn}.", priority = 0 },
    ],
  )
}

output "nodes" {
  description = "Name, host name and address of each node."
  value       = local.nodes
}

output "user_data" {
  description = "cloud-init user data per node (contains secrets)."
  value       = local.user_data
  sensitive   = true
}
