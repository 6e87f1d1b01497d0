"""1010: the footer's Contact link goes to the commune's contact page."""
