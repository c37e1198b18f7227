"""The outbound workflow: drafts, the policy gate, approvals, and the thread state they drive.

Every function works inside the caller's transaction and writes its audit event
there, so a state change and its record commit together (STYLE: every arrow is
one transaction). Authorisation by role and department is the web layer's
(mailgate.web.access); the rules that hold whoever calls — an author never
approves their own draft — are enforced here as well.
"""
