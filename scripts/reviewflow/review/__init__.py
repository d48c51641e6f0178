"""The reviewer's side: review sheets, decisions read back, agreement between raters."""
