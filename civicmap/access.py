"""Who may use a route that writes, declared beside the route (`@access(AUTHOR)`).

The server checks it where the rule lives (login_required, the services' author and moderator
checks); this declaration is what the authorisation-matrix test reads to know what to expect of
every writing route for every kind of visitor, and a writing route without one fails that test.
"""

ANYONE = "anyone"  # signing up, logging in
SIGNED_IN = "signed-in"  # any logged-in person who is not suspended
AUTHOR = "author"  # the person who wrote the thing (or proposed the action)
RECIPIENT = "recipient"  # the person a message was sent to
MODERATOR = "moderator"  # moderators and administrators
OFFICER = "officer"  # council officers and administrators


def access(who: str):
    def declare(view):
        view.access = who
        return view

    return declare
