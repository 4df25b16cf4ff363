"""A value is changed where it is set: a tfvars line, a module argument, a variable's default; where it
cannot be (the environment, the command line, a variable used elsewhere), the fix says why."""

from __future__ import annotations

from pathlib import Path

from emailiac.fixes.apply import apply_edits
from emailiac.fixes.tree import SourceTree
from emailiac.fixes.values import Changes, Site, set_value


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _site(tree: SourceTree, file: Path, resource: str, attribute: str) -> Site:
    parsed = tree.hcl(str(file))
    assert parsed is not None
    block = next(b for b in parsed.body.blocks if b.type == "resource" and b.labels[1] == resource)
    attr = block.body.attribute(attribute)
    assert attr is not None
    module = tree.module_of_file(str(file))
    assert module is not None
    return Site(str(file), attr.expr, module)


def _applied(tree: SourceTree, changes: Changes) -> dict[str, str]:
    out = {}
    for file in {e.file for e in changes.edits}:
        text = tree.read(file)
        assert text is not None
        out[Path(file).name], _ = apply_edits(text, [e for e in changes.edits if e.file == file])
    return out


MODULE = """\
variable "require_tls" {
  type    = bool
  default = true
}

resource "aws_sesv2_configuration_set" "main" {
  configuration_set_name = "main"

  delivery_options {
    tls_policy = var.require_tls ? "REQUIRE" : "OPTIONAL"
  }
}
"""


def _tls_site(tree: SourceTree, root: Path) -> Site:
    parsed = tree.hcl(str(root / "modules/ses/main.tf"))
    assert parsed is not None
    block = next(b for b in parsed.body.blocks if b.type == "resource")
    attr = block.body.blocks[0].body.attribute("tls_policy")
    assert attr is not None
    module = tree.module_of_file(str(root / "modules/ses/main.tf"))
    assert module is not None
    return Site(str(root / "modules/ses/main.tf"), attr.expr, module)


def test_a_condition_is_made_true_where_its_variable_is_set(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "main.tf": 'variable "tls" {\n  type    = bool\n  default = false\n}\n\nmodule "ses" {\n'
            '  source      = "./modules/ses"\n  require_tls = var.tls\n}\n',
            "terraform.tfvars": "tls = false # not yet\n",
            "modules/ses/main.tf": MODULE,
        },
    )
    tree = SourceTree([tmp_path])
    changes = set_value(tree, _tls_site(tree, tmp_path), "REQUIRE")
    assert _applied(tree, changes) == {"terraform.tfvars": "tls = true # not yet\n"}


def test_the_module_default_when_the_call_gives_nothing(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "main.tf": 'module "ses" {\n  source = "./modules/ses"\n}\n',
            "modules/ses/main.tf": MODULE.replace("default = true", "default = false"),
        },
    )
    tree = SourceTree([tmp_path])
    changes = set_value(tree, _tls_site(tree, tmp_path), "REQUIRE")
    assert "  default = true\n" in _applied(tree, changes)["main.tf"]


def test_an_environment_value_is_overridden_in_terraform_tfvars(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "main.tf": 'variable "scan" {\n  type = bool\n}\n\nresource "aws_ses_receipt_rule" "r" {\n'
            "  scan_enabled = var.scan\n}\n"
        },
    )
    tree = SourceTree([tmp_path], env={"TF_VAR_scan": "false"})
    changes = set_value(tree, _site(tree, tmp_path / "main.tf", "r", "scan_enabled"), True)
    assert not changes.edits
    assert [b.hcl for b in changes.new_blocks] == ["scan = true\n"]
    assert changes.new_blocks[0].file.endswith("terraform.tfvars") and not changes.new_blocks[0].movable
    assert "TF_VAR_scan" in changes.notes[0]


def test_a_command_line_value_is_replaced_where_it_is_used(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "main.tf": 'variable "scan" {\n  type = bool\n}\n\nresource "aws_ses_receipt_rule" "r" {\n'
            "  scan_enabled = var.scan\n}\n"
        },
    )
    tree = SourceTree([tmp_path], cli_vars={"scan": "false"})
    changes = set_value(tree, _site(tree, tmp_path / "main.tf", "r", "scan_enabled"), True)
    assert _applied(tree, changes)["main.tf"].endswith("  scan_enabled = true\n}\n")
    assert "--var" in changes.notes[0]


def test_a_variable_used_twice_is_left_alone(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "main.tf": 'variable "scan" {\n  default = false\n}\n\nresource "aws_ses_receipt_rule" "r" {\n'
            '  scan_enabled = var.scan\n}\n\nresource "aws_ses_receipt_rule" "s" {\n  scan_enabled = var.scan\n}\n'
        },
    )
    tree = SourceTree([tmp_path])
    changes = set_value(tree, _site(tree, tmp_path / "main.tf", "r", "scan_enabled"), True)
    text = _applied(tree, changes)["main.tf"]
    assert "  default = false\n" in text and "  scan_enabled = true\n}\n\nresource" in text
    assert "used elsewhere" in changes.notes[0]


def test_uses_counts_references_written_as_whole_names(tmp_path: Path) -> None:
    """A reference counts where it is written as a whole name: not inside a longer name, not after a dot,
    but after a `-` (`a-var.x` holds `var.x`); other references are counted the same way."""
    _write(
        tmp_path,
        {
            "main.tf": (
                'locals {\n  a = var.x\n  b = "${var.x}-${myvar.x}"\n  c = foo.var.x\n  d = "a-var.x"\n'
                "  e = var.xy\n  f = aws_s3_bucket.b.id\n  g = aws_s3_bucket.b.id_2\n  h = local.a\n}\n"
            ),
        },
    )
    tree = SourceTree(paths=[tmp_path])
    module = tree.module_of_file(str(tmp_path / "main.tf"))
    assert module is not None
    assert [tree.uses(module, ref) for ref in ("var.x", "var.xy", "local.a", "local.b", "aws_s3_bucket.b.id")] == [
        3,
        1,
        1,
        0,
        1,
    ]
