ACCESS = {}  # the partner admin pages add their routes here
