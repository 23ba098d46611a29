"""vpd-speech: escalation timelines for Dutch municipal contact-centre calls (Veilige Publieke Dienstverlening)."""

__version__ = "1.3.0"
