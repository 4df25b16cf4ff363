locals {
  a = {
    b = 60 * 60
    c = 1 == 1 ? "x" : "y"
  }
}
