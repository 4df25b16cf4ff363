resource "aws_security_group" "s" {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
ingress {
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
}
