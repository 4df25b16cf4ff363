"""Tests of the mail-authentication record parsers."""
