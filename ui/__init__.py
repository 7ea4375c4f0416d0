"""UI helpers shared by dashboard.py and the pages: translation, session, navigation, widgets."""
